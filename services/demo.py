from services.catalogue_data import load_catalogue
from services.models import Service, ServiceDocument


def load(*, stdout):
    count = load_catalogue(Service, ServiceDocument)
    stdout.write(f"  catalogue: {count} services")
