from django.shortcuts import get_object_or_404, render

from services.models import Service


def service_card(request, slug):
    service = get_object_or_404(Service.objects.filter(is_active=True), slug=slug)
    return render(
        request,
        "services/card.html",
        {"service": service, "documents": list(service.documents.all()), "start_url": service.start_url()},
    )
