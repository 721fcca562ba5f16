#!/usr/bin/env python3
"""Loads the exports of a built data set the way the target projects' loaders do and applies their checks.

Usage: check_exports.py DATA_DIR

- ModaVerse (modaverse/<split>.json): json.load of one array, as MultiModalDataset does; every example has an
  instruction, a media dict with the same keys in the same order (the training loop zips the values), each
  'none' or a relative path; meta_response.modality is one of ModaVerse's flags; the answer it trains,
  "Modality: [X] Prompt: p", reads back through ModaVerseParser's regex and flag count as ([X], p).
- LLaVA (llava/<split>.json): json.load of one array, as LazySupervisedDataset does; conversations alternate
  human/gpt from human; an 'image' record has a relative image path and exactly one <image> token, at the
  start of the first human turn; a text-only record has no token; no video/audio keys.
- VideoLLaMA 2 audio-visual format (llava/<split>-video-audio.json): exactly one of 'video'/'audio', its token
  once at the start of the first human turn.
- OpenAI (openai/<split>.jsonl): one JSON object per line; system first, then user/assistant (and tool
  messages answering earlier tool calls); tool call ids, names among the declared tools, JSON arguments.
- References: every {"$ref": id} in an answer names an earlier call or an artifact shown in the human turn.

Prints one JSON object of counts; exits 1 and lists the first problems when any check fails.
"""
import json
import os
import re
import sys

MODAVERSE_FLAGS = ['[TEXT]', '[IMAGE]', '[AUDIO]', '[VIDEO]']
MODAVERSE_REGEX = r'(?s)(?:\[[^\]]*\]\s*)*\bPrompt:\s*(.+?)(?:\s*###|$)'
META = re.compile(r'<meta>(.*?)</meta>', re.S)
ATTACHED = re.compile(r'\[attached (?:image|video|audio): (art_[a-z2-7]{26})\]')
SPLITS = ['train', 'val', 'test']

problems = []
counts = {}


def problem(where, what):
    if len(problems) < 30:
        problems.append(f'{where}: {what}')
    counts['problems'] = counts.get('problems', 0) + 1


def relative(path):
    return isinstance(path, str) and path and not os.path.isabs(path) and '..' not in path.split('/')


def refs(value):
    found = []
    if isinstance(value, dict):
        if set(value.keys()) == {'$ref'}:
            found.append(value['$ref'])
        else:
            for v in value.values():
                found += refs(v)
    elif isinstance(value, list):
        for v in value:
            found += refs(v)
    return found


def check_calls(where, turns):
    """turns: list of (role, text, calls-or-None); calls from <meta> text when None."""
    known = set()
    for role, text, calls in turns:
        if role == 'user':
            known.update(ATTACHED.findall(text))
            continue
        if calls is None:
            calls = []
            for body in META.findall(text or ''):
                try:
                    calls.append(json.loads(body))
                except ValueError:
                    problem(where, 'a <meta> body is not JSON')
        for call in calls:
            for ref in refs(call.get('args', {})):
                if ref not in known:
                    problem(where, f'$ref {ref} names no earlier call or shown attachment')
            known.add(call.get('id'))


def check_modaverse(data_dir, split):
    path = os.path.join(data_dir, 'modaverse', f'{split}.json')
    with open(path) as f:
        examples = json.load(f)
    if not isinstance(examples, list):
        problem(path, 'not a JSON array')
        return
    keys = None
    for i, ex in enumerate(examples):
        where = f'{path}[{i}]'
        if not isinstance(ex.get('instruction'), str) or not ex['instruction'].strip():
            problem(where, 'empty instruction')
        media = ex.get('media')
        if not isinstance(media, dict):
            problem(where, 'media is not an object')
            continue
        if keys is None:
            keys = list(media.keys())
        elif list(media.keys()) != keys:
            problem(where, f'media keys {list(media.keys())} differ from {keys}')
        for k, v in media.items():
            if v != 'none' and not relative(v):
                problem(where, f'media {k} is neither none nor a relative path: {v!r}')
        response = ex.get('meta_response', {})
        modality = response.get('modality', '')
        prompt = response.get('prompt', '')
        flag = f'[{modality.upper()}]'
        if flag not in MODAVERSE_FLAGS:
            problem(where, f'modality {modality!r} is not one of ModaVerse\'s')
        if not isinstance(prompt, str) or not prompt.strip():
            problem(where, 'empty prompt')
            continue
        target = f'Modality: {flag} Prompt: {prompt}'
        flags = [fl for fl in MODAVERSE_FLAGS if target.count(fl) > 0]
        if flags != [flag]:
            problem(where, f'the answer holds modality flags {flags}, ModaVerse reads one')
        m = re.search(MODAVERSE_REGEX, target)
        if m is None or m.group(1).strip() != prompt.strip():
            problem(where, 'the prompt does not read back through ModaVerse\'s regex')
    counts[f'modaverse/{split}'] = len(examples)


def check_conversations(where, conv, token):
    if not conv or len(conv) % 2:
        problem(where, 'conversations are empty or end with a human turn')
        return
    for j, turn in enumerate(conv):
        expected = 'human' if j % 2 == 0 else 'gpt'
        if turn.get('from') != expected or not isinstance(turn.get('value'), str):
            problem(where, f'turn {j} is not from {expected}')
    text = ''.join(t['value'] for t in conv)
    for t in ['<image>', '<video>', '<audio>']:
        n = text.count(t)
        if t == token and (n != 1 or not conv[0]['value'].startswith(t)):
            problem(where, f'{t} must open the first human turn exactly once (found {n})')
        elif t != token and n:
            problem(where, f'{t} without its media')
    check_calls(where, [('user' if t['from'] == 'human' else 'assistant', t['value'], None) for t in conv])


def check_llava(data_dir, split):
    path = os.path.join(data_dir, 'llava', f'{split}.json')
    with open(path) as f:
        records = json.load(f)
    for i, r in enumerate(records):
        where = f'{path}[{i}]'
        if 'video' in r or 'audio' in r:
            problem(where, 'video or audio in the image file')
        if 'image' in r:
            if not relative(r['image']):
                problem(where, f'image is not a relative path: {r["image"]!r}')
            check_conversations(where, r.get('conversations'), '<image>')
        else:
            check_conversations(where, r.get('conversations'), None)
    counts[f'llava/{split}'] = len(records)
    path = os.path.join(data_dir, 'llava', f'{split}-video-audio.json')
    with open(path) as f:
        records = json.load(f)
    for i, r in enumerate(records):
        where = f'{path}[{i}]'
        present = [k for k in ('video', 'audio', 'image') if k in r]
        if len(present) != 1 or present[0] == 'image':
            problem(where, f'needs exactly one of video/audio, has {present}')
            continue
        if not relative(r[present[0]]):
            problem(where, f'{present[0]} is not a relative path')
        check_conversations(where, r.get('conversations'), f'<{present[0]}>')
    counts[f'llava/{split}-video-audio'] = len(records)


def check_openai(data_dir, split):
    path = os.path.join(data_dir, 'openai', f'{split}.jsonl')
    n = 0
    with open(path) as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            n += 1
            where = f'{path}:{line_no}'
            o = json.loads(line)
            messages = o.get('messages', [])
            tools = {t['function']['name'] for t in o.get('tools', []) if t.get('type') == 'function'}
            if not messages or messages[0].get('role') != 'system':
                problem(where, 'no system message first')
                continue
            style_tools = bool(o.get('tools'))
            if style_tools and '<meta>' in messages[0]['content']:
                problem(where, 'tools declared but the system prompt asks for <meta> text')
            if not style_tools and '<meta>' not in messages[0]['content']:
                problem(where, 'no tools declared and the system prompt does not teach <meta>')
            turns = []
            pending = set()
            last = None
            for m in messages[1:]:
                role = m.get('role')
                if role == 'tool':
                    if m.get('tool_call_id') not in pending:
                        problem(where, 'a tool message answers no open call')
                    pending.discard(m.get('tool_call_id'))
                    continue
                if pending:
                    problem(where, 'tool calls not answered before the next turn')
                if role not in ('user', 'assistant') or role == last:
                    problem(where, f'role {role} out of order')
                last = role
                calls = None
                if role == 'assistant':
                    if style_tools and '<meta>' in (m.get('content') or ''):
                        problem(where, 'a <meta> call in the tool-call style')
                    if 'tool_calls' in m:
                        calls = []
                        for c in m['tool_calls']:
                            fn = c.get('function', {})
                            if c.get('type') != 'function' or not c.get('id') or fn.get('name') not in tools:
                                problem(where, f'tool call {c.get("id")} is malformed or names an undeclared tool')
                            try:
                                args = json.loads(fn.get('arguments', ''))
                            except ValueError:
                                problem(where, 'tool call arguments are not JSON')
                                args = {}
                            calls.append({'id': c.get('id'), 'args': args})
                            pending.add(c.get('id'))
                    elif m.get('content') is None:
                        problem(where, 'assistant message without content or tool calls')
                turns.append((role, m.get('content') or '', calls))
            if last != 'assistant':
                problem(where, 'does not end with the assistant')
            check_calls(where, turns)
    counts[f'openai/{split}'] = n


def main():
    data_dir = sys.argv[1]
    for split in SPLITS:
        check_modaverse(data_dir, split)
        check_llava(data_dir, split)
        check_openai(data_dir, split)
    print(json.dumps({'counts': counts, 'problems': problems}, indent=1))
    sys.exit(1 if problems else 0)


if __name__ == '__main__':
    main()
