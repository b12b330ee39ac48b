"""What an inquiry was answered with, for tests: a right answer is the statement itself (issue 20: one
answer, not a redirect), a wrong one the form again with its error, a refused one 429."""

STATEMENT = "statement"
FORM = "form"


def answer(response) -> str | int:
    if response.status_code != 200:
        return response.status_code
    names = {t.name for t in response.templates}
    if "violations/statement.html" in names:
        return STATEMENT
    assert "violations/inquiry.html" in names, names
    return FORM
