"""The one exception a user sees for a rejected export file."""

from __future__ import annotations


class ExportFileError(ValueError):
    """An export file that cannot be used at all. Nothing from it is written anywhere."""

    def __init__(self, file_name: str, line: int | None, problem: str, expected: str):
        self.file_name = file_name
        self.line = line
        self.problem = problem
        self.expected = expected
        where = f"{file_name}, line {line}" if line is not None else file_name
        super().__init__(f"{where}: {problem}. Expected {expected}.")
