package dev.modaweave.datasets;

import dev.modaweave.agent.MetaResponse;
import dev.modaweave.agent.MetaResponseParser;
import dev.modaweave.agent.MetaResponseValidator;
import dev.modaweave.agent.ParseEvent;
import dev.modaweave.agent.TurnLimits;
import dev.modaweave.agent.ValidationError;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ToolCatalog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a record's assistant text the way the agent will read it: agent-core's parser must find
 * exactly the record's calls (nothing malformed), and agent-core's validator must accept them
 * (known tasks, arguments matching the schemas, no dangling or cyclic {@code $ref}, turn limits),
 * with the record's attached media and the calls of earlier assistant turns (and their modalities) as the
 * artifacts known before the turn.
 */
public final class RecordChecker {

    private final MetaResponseValidator validator;

    public RecordChecker(ToolCatalog catalog) {
        this.validator = new MetaResponseValidator(catalog, TurnLimits.defaults());
    }

    /** A checker for {@link DatasetTools#catalog()}. */
    public static RecordChecker forDatasetTools() {
        return new RecordChecker(DatasetTools.catalog());
    }

    /** Every problem of {@code record}; empty when it may be written. */
    public List<String> problems(DatasetRecord record) {
        List<String> problems = new ArrayList<>();
        List<MetaResponse> parsed = new ArrayList<>();
        for (ParseEvent event : MetaResponseParser.parseAll(record.assistantText())) {
            if (event instanceof ParseEvent.Meta meta) {
                parsed.add(meta.call());
            } else if (event instanceof ParseEvent.Malformed malformed) {
                problems.add("malformed meta-response: " + malformed.reason());
            }
        }
        if (parsed.size() != record.calls().size()) {
            problems.add("the parser found " + parsed.size() + " call(s) in the assistant text, the record lists "
                    + record.calls().size());
        } else {
            for (int i = 0; i < parsed.size(); i++) {
                if (!parsed.get(i).toJson().equals(record.calls().get(i).toJson())) {
                    problems.add("call " + (i + 1) + " reads back as " + parsed.get(i).toJson() + ", the record lists "
                            + record.calls().get(i).toJson());
                }
            }
        }
        Map<String, Modality> attached = new HashMap<>();
        record.media().forEach(m -> attached.put(m.artifactId(), m.modality()));
        List<DatasetRecord.Message> messages = record.messages();
        for (int i = 0; i < messages.size() - 1; i++) {
            if (!messages.get(i).role().equals(DatasetRecord.Message.ASSISTANT)) {
                continue;
            }
            for (ParseEvent event : MetaResponseParser.parseAll(messages.get(i).content())) {
                if (event instanceof ParseEvent.Meta meta) {
                    attached.put(meta.call().id(), outputOf(meta.call().task()));
                } else if (event instanceof ParseEvent.Malformed malformed) {
                    problems.add("malformed meta-response in an earlier turn: " + malformed.reason());
                }
            }
        }
        for (ValidationError error : validator.validateTurn(record.calls(), attached)) {
            problems.add("invalid call: " + error);
        }
        return problems;
    }

    private static Modality outputOf(String task) {
        return DatasetTools.catalog().byTask(task).stream().findFirst().map(d -> d.outputModality()).orElse(null);
    }
}
