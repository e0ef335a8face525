"""Search over the builtin index, with in-memory indexes cached per workspace and package."""

import asyncio
from collections import OrderedDict

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tenderflow_common.contracts.workspace import Passage, SearchQuery
from tenderflow_workspace import repository
from tenderflow_workspace.builtin import BuiltinIndex


class IndexCache:
    """Indexes rebuilt from the persisted chunks whenever their count changes; the database is the truth."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], size: int = 32) -> None:
        self._sessions = sessions
        self._size = size
        self._indexes: OrderedDict[tuple[str, str | None], tuple[int, BuiltinIndex]] = OrderedDict()

    async def index_for(self, workspace_id: str, package_id: str | None) -> BuiltinIndex:
        key = (workspace_id, package_id)
        async with self._sessions() as session:
            count = await repository.count_chunks(session, workspace_id, package_id)
            cached = self._indexes.get(key)
            if cached is not None and cached[0] == count:
                self._indexes.move_to_end(key)
                return cached[1]
            chunks = await repository.load_chunks(session, workspace_id, package_id)
        index = await asyncio.to_thread(BuiltinIndex, chunks)
        self._indexes[key] = (count, index)
        while len(self._indexes) > self._size:
            self._indexes.popitem(last=False)
        return index

    async def search(self, workspace_id: str, query: SearchQuery) -> list[Passage]:
        return search_index(await self.index_for(workspace_id, query.package_id), query)


def search_index(index: BuiltinIndex, query: SearchQuery) -> list[Passage]:
    """The passages of one index that answer a search query, best first."""
    hits = index.search(query.query, top_k=query.top_k, document_types=set(query.document_types) or None,
                        kind=query.kind)
    return [Passage(chunk_id=h.chunk.chunk_id, document_id=h.chunk.document_id, file=h.chunk.file,
                    doc_type=h.chunk.doc_type, text=h.chunk.text, page=h.chunk.page, path=h.chunk.path,
                    row=h.chunk.row, score=float(h.score), language=h.chunk.language) for h in hits]
