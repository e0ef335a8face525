"""The fake AnythingLLM's state and its workspace, document and embedding endpoints, answering as AnythingLLM
1.16 does (../shared/ANYTHINGLLM.md); threads and chat are in `anythingllm_fake_chat`.

Status codes and bodies follow the server, not its Swagger file: plain-text `sendStatus` bodies, a workspace
lookup that is an array, 200 for an unknown slug, settings coerced or dropped, the whole text echoed by uploads,
and embedding that skips what it cannot embed and answers 200 all the same.
"""

import json
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.responses import JSONResponse, Response

from tenderflow_common.testing.anythingllm_fake_chat import ThreadAndChatEndpoints, history
from tenderflow_common.testing.anythingllm_fake_http import Call, now_iso, status
from tenderflow_common.testing.anythingllm_fake_text import (
    DEFAULT_CHUNK_SIZE,
    metadata_header,
    multer_filename,
    parse_multipart,
    similarity,
    slugify,
    split_text,
    workspace_slug,
)

DEFAULT_PROMPT = ("Given the following conversation, relevant context, and a follow up question, reply with an answer "
                  "to the current question the user is asking. Return only your response to the question given the "
                  "above information following the users instructions as needed.")
TEXT_TYPES = {".txt", ".md", ".csv", ".json", ".xml", ".html", ".htm", ".pdf", ".docx"}
WRITABLE = ("name", "openAiTemp", "openAiHistory", "openAiPrompt", "similarityThreshold", "chatProvider", "chatModel",
            "topN", "chatMode", "agentProvider", "agentModel", "queryRefusalResponse", "vectorSearchMode",
            "router_id", "lastUpdatedAt")

Responder = Callable[[str, list[dict[str, Any]]], str]
"""The fake LLM: (the user's message, the retrieved sources) -> the reply text."""


def echo_top_source(message: str, sources: list[dict[str, Any]]) -> str:
    """The default fake LLM: the first sentence of the best source."""
    if not sources:
        return "I do not know."
    text = sources[0]["text"].split("</document_metadata>")[-1].strip()
    return text.split(". ")[0][:300]


@dataclass
class AnythingLLMState(ThreadAndChatEndpoints):
    """Everything the fake server holds, and the knobs that change how it behaves."""

    api_key: str = "TFAKE00-0000000-0000000-0000000"
    version: tuple[int, int, int] = (1, 16, 0)
    collector_online: bool = True
    deletion_protection: bool = False
    multi_user: bool = False
    chunk_size: int = DEFAULT_CHUNK_SIZE
    llm: Responder = echo_top_source
    llm_streams: bool = True
    """False: the provider does not stream, so one chunk carries the whole text, then the finalize frame."""
    reasoning: bool = False
    """True: the model thinks aloud in `<think>` blocks before answering."""
    agent_capable: bool = False
    """True: `automatic` mode routes to the agent, which answers with agent frames."""
    failing_embeddings: set[str] = field(default_factory=set)
    """Document locations (or parts of them) that update-embeddings skips without saying so."""
    workspaces: dict[int, dict[str, Any]] = field(default_factory=dict)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    """location (`folder/name.json`) -> the stored document, pageContent included."""
    folders: set[str] = field(default_factory=lambda: {"custom-documents"})
    workspace_documents: list[dict[str, Any]] = field(default_factory=list)
    vectors: list[dict[str, Any]] = field(default_factory=list)
    threads: dict[str, dict[str, Any]] = field(default_factory=dict)
    chats: list[dict[str, Any]] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)

    def next_id(self, kind: str) -> int:
        self.ids[kind] = self.ids.get(kind, 0) + 1
        return self.ids[kind]

    def at_least(self, *version: int) -> bool:
        return self.version >= version

    # Lookups ---------------------------------------------------------------------------------------------------

    def workspace_by_slug(self, slug: str) -> dict[str, Any] | None:
        return next((w for w in self.workspaces.values() if w["slug"] == slug), None)  # exact, case-sensitive

    def documents_of(self, workspace_id: int) -> list[dict[str, Any]]:
        return [row for row in self.workspace_documents if row["workspaceId"] == workspace_id]

    def threads_of(self, workspace_id: int) -> list[dict[str, Any]]:
        return [thread for thread in self.threads.values() if thread["workspace_id"] == workspace_id]

    def workspace_names(self, name: str) -> list[dict[str, Any]]:
        return [w for w in self.workspaces.values() if w["name"] == name]

    # Endpoints: probes -------------------------------------------------------------------------------------------

    def auth(self, call: Call) -> Response:
        return JSONResponse({"authenticated": True})

    def system(self, call: Call) -> Response:
        return JSONResponse({"settings": {"LLMProvider": "fake", "EmbeddingEngine": "native", "VectorDB": "lancedb",
                                          "MultiUserMode": self.multi_user}})

    def vector_count(self, call: Call) -> Response:
        return JSONResponse({"vectorCount": len(self.vectors)})

    def is_multi_user(self, call: Call) -> Response:
        return JSONResponse({"isMultiUser": self.multi_user})

    # Endpoints: workspaces ---------------------------------------------------------------------------------------

    def list_workspaces(self, call: Call) -> Response:
        rows = [{**w, "threads": [{"user_id": t["user_id"], "slug": t["slug"], "name": t["name"]}
                                  for t in self.threads_of(w["id"])]} for w in self.workspaces.values()]
        return JSONResponse({"workspaces": rows})

    def get_workspace(self, call: Call) -> Response:
        workspace = self.workspace_by_slug(call.params["slug"])
        if workspace is None:
            return JSONResponse({"workspace": []})  # 200 and an empty array, not 404
        return JSONResponse({"workspace": [self._full(workspace)]})

    def _full(self, workspace: dict[str, Any]) -> dict[str, Any]:
        return {**workspace, "documents": self.documents_of(workspace["id"]),
                "threads": [{"user_id": t["user_id"], "slug": t["slug"]} for t in self.threads_of(workspace["id"])]}

    def new_workspace(self, call: Call) -> Response:
        body = call.json()
        name = body.get("name")
        if not isinstance(name, str) or not name:
            return JSONResponse({"workspace": None, "message": "name cannot be null"}, status_code=400)
        taken = {w["slug"] for w in self.workspaces.values()}
        stamp = now_iso()
        workspace = {"id": self.next_id("workspace"), "name": name[:255],
                     "slug": workspace_slug(name, taken, 10_000_000 + self.next_id("suffix") * 7919 % 89_999_999),
                     "vectorTag": None, "createdAt": stamp, "openAiTemp": None, "openAiHistory": 20,
                     "lastUpdatedAt": stamp, "openAiPrompt": DEFAULT_PROMPT, "similarityThreshold": 0.25,
                     "chatProvider": None, "chatModel": None, "topN": 4,
                     "chatMode": "automatic" if self.at_least(1, 12, 0) else "chat", "pfpFilename": None,
                     "agentProvider": None, "agentModel": None, "queryRefusalResponse": None,
                     "vectorSearchMode": "default", "router_id": None}
        workspace.update(self._validated({k: v for k, v in body.items() if k != "name"}))
        self.workspaces[workspace["id"]] = workspace
        return JSONResponse({"workspace": workspace, "message": None})

    def update_workspace(self, call: Call) -> Response:
        workspace = self.workspace_by_slug(call.params["slug"])
        if workspace is None:
            return status(400)
        changes = self._validated(call.json())
        if not changes:
            return JSONResponse({"workspace": {"id": workspace["id"]}, "message": "No valid fields to update!"})
        workspace.update(changes)
        return JSONResponse({"workspace": workspace, "message": None})

    @staticmethod
    def _validated(values: dict[str, Any]) -> dict[str, Any]:
        """`Workspace.validations`: unknown keys dropped, every value coerced."""
        out: dict[str, Any] = {}
        for key, value in values.items():
            if key not in WRITABLE:
                continue
            if key == "name":
                out[key] = value[:255] if isinstance(value, str) else "My Workspace"
            elif key == "openAiTemp":
                number = _float(value)
                out[key] = None if number is None or number < 0 else number
            elif key == "openAiHistory":
                number = _int(value)
                out[key] = 20 if number is None else max(0, number)
            elif key in ("openAiPrompt", "queryRefusalResponse"):
                out[key] = value if isinstance(value, str) and value else None
            elif key == "similarityThreshold":
                number = _float(value)
                out[key] = 0.25 if number is None else min(1.0, max(0.0, number))
            elif key == "topN":
                number = _int(value)
                out[key] = 4 if number is None else max(1, number)
            elif key == "chatMode":
                out[key] = value if value in ("chat", "query", "automatic") else "automatic"
            elif key == "vectorSearchMode":
                out[key] = value if value in ("default", "rerank") else "default"
            elif key in ("chatProvider", "agentProvider"):
                out[key] = None if value in (None, "", "none", "default") else str(value)
                if key == "chatProvider" and value == "default":
                    out["chatModel"] = None
            elif key == "router_id":
                out[key] = None if value in (None, "", "none") else _int(value)
            else:
                out[key] = value if value is None or isinstance(value, str) else str(value)
        return out

    def delete_workspace(self, call: Call) -> Response:
        if self.deletion_protection:
            return JSONResponse({"success": False,
                                 "error": "Workspace deletion is blocked by the system administrator."},
                                status_code=403)
        workspace = self.workspace_by_slug(call.params["slug"])
        if workspace is None:
            return status(400)
        wid = workspace["id"]
        self.chats = [chat for chat in self.chats if chat["workspaceId"] != wid]
        self.workspace_documents = [row for row in self.workspace_documents if row["workspaceId"] != wid]
        self.vectors = [vector for vector in self.vectors if vector["workspaceId"] != wid]
        self.threads = {slug: t for slug, t in self.threads.items() if t["workspace_id"] != wid}
        del self.workspaces[wid]
        return status(200)

    def workspace_chats(self, call: Call) -> Response:
        workspace = self.workspace_by_slug(call.params["slug"])
        if workspace is None:
            return status(400)
        session = call.query.get("apiSessionId")
        chats = [c for c in self.chats if c["workspaceId"] == workspace["id"] and c["thread_id"] is None
                 and c["session_id"] == session]
        limit = int(call.query.get("limit", 100))
        chats = sorted(chats, key=lambda c: c["id"], reverse=call.query.get("orderBy") == "desc")[:limit]
        return JSONResponse({"history": history(chats)})

    def vector_search(self, call: Call) -> Response:
        workspace = self.workspace_by_slug(call.params["slug"])
        body = call.json()
        if workspace is None or not body.get("query"):
            return JSONResponse({"message": "Workspace not found or query is empty"}, status_code=400)
        if not [v for v in self.vectors if v["workspaceId"] == workspace["id"]]:
            return JSONResponse({"results": [], "message": "No embeddings found for this workspace."})
        top_n = _int(body.get("topN")) or workspace["topN"]
        threshold = _float(body.get("scoreThreshold"))
        threshold = workspace["similarityThreshold"] if threshold is None or not 0 <= threshold <= 1 else threshold
        hits = self.search(workspace, body["query"], top_n, threshold)
        return JSONResponse({"results": [
            {"id": hit["id"], "text": hit["text"], "metadata": {
                key: hit[key] for key in ("url", "title", "docAuthor", "description", "docSource", "chunkSource",
                                          "published", "wordCount", "token_count_estimate")},
             "distance": round(1 - hit["score"], 4), "score": hit["score"]} for hit in hits]})

    def update_pin(self, call: Call) -> Response:
        workspace = self.workspace_by_slug(call.params["slug"])
        if workspace is None:
            return Response(b"", status_code=500)  # no null check: a crash with an empty body
        body = call.json()
        rows = [r for r in self.documents_of(workspace["id"]) if r["docpath"] == body.get("docPath")]
        if not rows:
            return JSONResponse({"message": "Document not found in workspace"}, status_code=404)
        for row in rows:
            row["pinned"] = bool(body.get("pinStatus"))
        return JSONResponse({"message": "Pin status updated successfully"})

    # Endpoints: documents ----------------------------------------------------------------------------------------

    def upload(self, call: Call) -> Response:
        folder = call.params.get("folder")
        if folder is not None and ("/" in folder or "\\" in folder):
            return status(500)
        parts = parse_multipart(call.body, call.headers.get("content-type", ""))
        upload = next((p for p in parts if p.name == "file" and p.filename is not None), None)
        if upload is None:
            return status(500)  # `request.file` is destructured unchecked
        fields = {p.name: p.content.decode("utf-8", errors="replace") for p in parts if p.filename is None}
        name = multer_filename(upload.filename or "")
        if not self.collector_online:
            return JSONResponse({"success": False, "error": f"Document processing API is not online. Document "
                                                           f"{name} will not be processed automatically."},
                                status_code=500)
        extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if extension not in TEXT_TYPES:
            return JSONResponse({"success": False, "documents": [],
                                 "error": f"File extension {extension} not supported for parsing and cannot be "
                                          f"assigned a converter."}, status_code=500)
        text = upload.content.decode("utf-8", errors="replace").strip()
        if not text:
            return JSONResponse({"success": False, "documents": [],
                                 "error": f"No text content found in {name}."}, status_code=500)
        try:
            overrides = json.loads(fields.get("metadata") or "{}")
        except ValueError:
            overrides = {}
        document = self.store(name, text, folder or "custom-documents", overrides if isinstance(overrides, dict)
                              else {}, source="a text file uploaded by the user.")
        if folder is not None:
            document = {**document, "name": document["location"].split("/")[-1]}
        self.add_to_workspaces(fields.get("addToWorkspaces"), [document])
        return JSONResponse({"success": True, "error": None, "documents": [document]})

    def raw_text(self, call: Call) -> Response:
        body = call.json()
        metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
        if not metadata.get("title"):
            return JSONResponse({"success": False, "error": "You are missing required metadata key:value pairs in "
                                                            "your request. Required metadata key:values are 'title'"},
                                status_code=422)
        if not body.get("textContent"):
            return JSONResponse({"success": False, "error": "The 'textContent' key cannot have an empty value."},
                                status_code=422)
        title = slugify(str(metadata["title"]))
        document = self.store(f"raw-{title}", str(body["textContent"]), "custom-documents",
                              {**metadata, "title": f"{title}.txt"}, source="a raw text upload")
        self.add_to_workspaces(body.get("addToWorkspaces"), [document])
        return JSONResponse({"success": True, "error": None, "documents": [document]})

    def store(self, name: str, text: str, folder: str, overrides: dict[str, Any], *, source: str) -> dict[str, Any]:
        """Convert and keep a document as the collector does; the response echoes its whole text."""
        doc_id = str(uuid.uuid4())
        location = f"{folder}/{slugify(name, lower=False, extended=False)}-{doc_id}.json"
        words = len(text.split())
        document = {"id": doc_id, "url": f"file:///collector/hotdir/{name}", "title": name, "docAuthor": "Unknown",
                    "description": "Unknown", "docSource": source, "chunkSource": name,
                    "published": _published(datetime.now(UTC)), "wordCount": words,
                    "pageContent": text, "token_count_estimate": math.ceil(len(text) / 4)}
        for key in ("title", "docAuthor", "description", "docSource", "chunkSource", "url", "published"):
            if overrides.get(key):
                document[key] = overrides[key]
        document.update({"location": location, "isDirectUpload": True})
        self.folders.add(folder)
        self.documents[location] = document
        return document

    def add_to_workspaces(self, slugs: Any, documents: list[dict[str, Any]]) -> None:
        """`addToWorkspaces` embeds only the first document, one workspace after another; failures are logged."""
        if not isinstance(slugs, str) or not documents:
            return
        for slug in (s.strip().lower() for s in slugs.split(",") if s.strip()):
            workspace = self.workspace_by_slug(slug)
            if workspace is not None:
                self.embed(workspace, documents[0]["location"])

    def list_documents(self, call: Call) -> Response:
        folder = call.query.get("folder")
        if folder is not None:
            return self._folder(folder, call)
        items = [{"name": name, "type": "folder", "items": self._items(name)}
                 for name in sorted(self.folders, key=lambda f: (f != "custom-documents", f))]
        return JSONResponse({"localFiles": {"name": "documents", "type": "folder", "items": items}})

    def folder_documents(self, call: Call) -> Response:
        return self._folder(call.params["folder"], call)

    def _folder(self, folder: str, call: Call) -> Response:
        if folder not in self.folders:
            return JSONResponse({"folder": folder, "documents": [], "totalCount": 0, "hasMore": False, "code": 404,
                                 "error": f'Folder "{folder}" does not exist.'}, status_code=404)
        items = self._items(folder)
        offset = int(call.query.get("offset") or 0)
        limit = call.query.get("limit", "all")
        page = items[offset:] if limit == "all" else items[offset:offset + min(int(limit), 1000)]
        return JSONResponse({"folder": folder, "documents": page, "totalCount": len(items),
                             "hasMore": offset + len(page) < len(items), "code": 200, "error": None})

    def _items(self, folder: str) -> list[dict[str, Any]]:
        items = []
        for location, document in sorted(self.documents.items()):
            if location.split("/")[0] != folder:
                continue
            pinned = sorted({r["workspaceId"] for r in self.workspace_documents if r["docpath"] == location
                             and r["pinned"]})
            items.append({"name": location.split("/")[-1], "type": "file",
                          **{k: v for k, v in document.items() if k not in ("pageContent", "location",
                                                                            "isDirectUpload")},
                          "cached": True, "canWatch": False, "pinnedWorkspaces": pinned, "watched": False})
        return items

    def get_document(self, call: Call) -> Response:
        for location, document in self.documents.items():
            if location.split("/")[-1] == call.params["name"]:
                return JSONResponse({"document": {"name": call.params["name"], "type": "file", "cached": True,
                                                  **{k: v for k, v in document.items() if k != "location"}}})
        return status(404)

    def create_folder(self, call: Call) -> Response:
        name = str(call.json().get("name") or "")
        if name in self.folders:
            return JSONResponse({"success": False, "message": "Folder by that name already exists"}, status_code=500)
        self.folders.add(name)
        return JSONResponse({"success": True, "message": None})

    def remove_folder(self, call: Call) -> Response:
        name = str(call.json().get("name") or "")
        if name == "custom-documents":
            return JSONResponse({"success": False, "message": "Failed to remove folder: cannot remove the default "
                                                              "folder"}, status_code=500)
        self.purge([location for location in self.documents if location.split("/")[0] == name])
        self.folders.discard(name)
        return JSONResponse({"success": True, "message": "Folder removed successfully"})

    def remove_documents(self, call: Call) -> Response:
        names = call.json().get("names") or []
        self.purge([str(name) for name in names])
        return JSONResponse({"success": True, "message": "Documents removed successfully"})

    def purge(self, locations: list[str]) -> None:
        """Files, vector caches and their rows in every workspace."""
        gone = set(locations)
        for location in gone:
            self.documents.pop(location, None)
        self.workspace_documents = [r for r in self.workspace_documents if r["docpath"] not in gone]
        self.vectors = [v for v in self.vectors if v["docpath"] not in gone]

    # Endpoints: embedding ----------------------------------------------------------------------------------------

    def update_embeddings(self, call: Call) -> Response:
        workspace = self.workspace_by_slug(call.params["slug"])
        if workspace is None:
            return status(400)
        body = call.json()
        for location in body.get("deletes") or []:
            self.workspace_documents = [r for r in self.workspace_documents
                                        if not (r["workspaceId"] == workspace["id"] and r["docpath"] == location)]
            self.vectors = [v for v in self.vectors
                            if not (v["workspaceId"] == workspace["id"] and v["docpath"] == location)]
        for location in body.get("adds") or []:
            self.embed(workspace, str(location))
        full = self._full(workspace)
        full.update({"contextWindow": 8192,
                     "currentContextTokenCount": sum(self.documents[r["docpath"]]["token_count_estimate"]
                                                     for r in full["documents"] if r["docpath"] in self.documents)})
        return JSONResponse({"workspace": full})

    def embed(self, workspace: dict[str, Any], location: str) -> None:
        """Split, embed and record one document; a path that is missing or fails is skipped without a word.

        No duplicate check: embedding a document twice gives it two rows and twice the vectors."""
        document = self.documents.get(location)
        if document is None or any(part in location for part in self.failing_embeddings):
            return
        stamp = now_iso()
        metadata = {k: v for k, v in document.items() if k not in ("pageContent", "location", "isDirectUpload")}
        self.workspace_documents.append({
            "id": self.next_id("workspace_document"), "docId": document["id"], "filename": location.split("/")[-1],
            "docpath": location, "workspaceId": workspace["id"], "metadata": json.dumps(metadata), "pinned": False,
            "watched": False, "createdAt": stamp, "lastUpdatedAt": stamp})
        header = metadata_header(document["title"], document["published"])
        for piece in split_text(document["pageContent"], self.chunk_size):
            self.vectors.append({"id": str(uuid.uuid4()), "workspaceId": workspace["id"], "docpath": location,
                                 "text": header + piece, **metadata})

    def search(self, workspace: dict[str, Any], query: str, top_n: int, threshold: float) -> list[dict[str, Any]]:
        scored = [{**v, "score": similarity(query, v["text"].split("</document_metadata>")[-1])}
                  for v in self.vectors if v["workspaceId"] == workspace["id"]]
        scored = [v for v in scored if v["score"] >= threshold]
        return sorted(scored, key=lambda v: -v["score"])[:top_n]

def _published(moment: datetime) -> str:
    """`1/16/2024, 3:07:00 PM`, as the collector writes it."""
    hour = moment.hour % 12 or 12
    return f"{moment.month}/{moment.day}/{moment.year}, {hour}:{moment:%M:%S} {'PM' if moment.hour >= 12 else 'AM'}"


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _int(value: Any) -> int | None:
    number = _float(value)
    return None if number is None else int(number)
