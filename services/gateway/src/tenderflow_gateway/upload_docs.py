"""OpenAPI description of `POST /v1/documents`, whose multipart body the endpoint reads itself."""

from tenderflow_common.contracts.shared import DEFAULT_MODEL, DEFAULT_WORKSPACE
from tenderflow_gateway.uploads import FIELD_LIMITS

# One `provider:model` of at most 200 characters on one line, as the job request takes it once the spaces around it
# are stripped; a job compares at most five.
ONE_MODEL = r"[a-z0-9_-]{1,40}:[^,\n]{0,158}[^,\s]"
QUESTIONS_EXAMPLE = ('[{"id": "buyer", "text": "Who is the contracting authority?", '
                     '"expected_fragments": ["Veitsh"], "document_types": ["xml"]}]')

UPLOAD_REQUEST_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "format": "binary",
                             "description": "The tender package, a ZIP archive (judged by its first bytes)."},
                    "workspace": {"type": "string", "default": DEFAULT_WORKSPACE, "maxLength": 100,
                                  "pattern": r"^[A-Za-z0-9_.-]+$",
                                  "description": "Workspace to index the package into, by name or id; an unknown name "
                                                 "creates it."},
                    "questions": {"type": "string", "maxLength": FIELD_LIMITS["questions"],
                                  "description": "JSON array of `{id, text, expected_fragments?, "
                                                 "document_types?}`; not together with `question_set`.",
                                  "example": QUESTIONS_EXAMPLE},
                    "question_set": {"type": "string", "maxLength": 100,
                                     "description": "A saved question set, e.g. `procurement-default`."},
                    "model": {"type": "string", "default": DEFAULT_MODEL, "maxLength": 1000,
                              "pattern": rf"^{ONE_MODEL}(,{ONE_MODEL}){{0,4}}$",
                              "description": "`provider:model` to answer with; several, comma-separated, "
                                             "answer every question with each, to compare them."},
                    "temperature": {"type": "number", "minimum": 0, "maximum": 2,
                                    "description": "Sampling temperature for a model (default 0)."},
                    "max_tokens": {"type": "integer", "minimum": 16, "maximum": 8192,
                                   "description": "Completion tokens per question for a model (default 512)."},
                    "token_budget": {"type": "integer", "minimum": 1,
                                     "description": "Tokens the whole job may spend on a model; past it, the "
                                                    "remaining questions are not asked (`token_budget_exhausted`)."},
                },
            },
            "encoding": {"file": {"contentType": "application/zip, application/octet-stream"}},
        }
    },
}


def _problem(description: str) -> dict:
    return {"description": description,
            "content": {"application/problem+json": {"schema": {"type": "object"}}}}


UPLOAD_PROBLEMS = {
    400: _problem("Malformed or interrupted multipart body"),
    401: _problem("Missing, unknown or revoked API key"),
    413: _problem("Package larger than the upload limit (`limit_bytes`), however the body was sent"),
    415: _problem("The `file` part is not a ZIP archive"),
    422: _problem("Missing `file`, an invalid or oversized field, or both `questions` and `question_set`"),
}
