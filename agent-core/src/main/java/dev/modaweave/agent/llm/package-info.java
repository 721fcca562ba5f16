/**
 * The LLM provider layer the agent runs over: {@link dev.modaweave.agent.llm.LlmConfig} (the
 * {@code llm:} configuration), {@link dev.modaweave.agent.llm.ChatModels} (builds a LangChain4j
 * streaming chat model for OpenAI-compatible servers or Ollama) and
 * {@link dev.modaweave.agent.llm.RetryingStreamingChatModel} (retries on 429/5xx and refused
 * connections, honouring {@code Retry-After}, never after output was delivered).
 */
package dev.modaweave.agent.llm;
