import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()
# The settled objects of the loaded project (modules, URL patterns, templates) go to the permanent
# generation: a full collection (WeasyPrint's layout triggers many) no longer walks them on every
# run. Collection itself stays on for every thread; this replaces pausing it around PDF rendering.
gc.freeze()
