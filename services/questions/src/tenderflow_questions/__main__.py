"""`python -m tenderflow_questions` serves the questions service; `... migrate` migrates its database first."""

from tenderflow_common.serve import main
from tenderflow_questions.main import MIGRATIONS, build_service

if __name__ == "__main__":
    main("questions", MIGRATIONS, build_service)
