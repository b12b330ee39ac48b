"""Form helpers shared by every app's views."""

from django.core.exceptions import ValidationError


def form_add_errors(form, exc: ValidationError) -> None:
    """Show a workflow function's refusal on the form: on the field it names, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
