"""`python -m tenderflow_questions` serves the questions service."""

from tenderflow_common.serve import serve
from tenderflow_questions.main import build_service

if __name__ == "__main__":
    serve(build_service)
