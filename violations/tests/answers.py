"""What an inquiry was answered with, for tests: a right answer is the statement itself (issue 20: one
answer, not a redirect), a wrong one the form again with its error, a refused one 429."""

STATEMENT = "statement"
FORM = "form"


def answer(response) -> str | int:
    if response.status_code != 200:
        return response.status_code
    names = {t.name for t in response.templates}
    # The form is the answer when it was rendered: an inquiry lays out the statement's page around it while
    # its look-up is read (violations.statement_pages.inquiry_page), and on a miss answers with the form instead.
    if "violations/inquiry.html" in names:
        return FORM
    assert "violations/statement.html" in names, names
    return STATEMENT
