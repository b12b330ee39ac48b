"""What every stage of the claim's workflow shares: the row lock."""

from accidents.models import AccidentClaim


def claim_lock(claim: AccidentClaim) -> AccidentClaim:
    """The claim as it is now, row locked (the parent row too, which is what the workflow locks)."""
    # select_related() of the nullable organisation would be an outer join, which FOR UPDATE refuses.
    return AccidentClaim.objects.select_for_update().get(pk=claim.pk)
