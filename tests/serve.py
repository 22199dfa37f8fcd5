"""One test server process: ``python -m tests.serve PORT`` serves the test project's WSGI
application with the standard library's server, one request at a time, until it is killed.

For tests that need two processes of the same site (shared rate limits and de-duplication).
Django's settings module comes from ``DJANGO_SETTINGS_MODULE``, normally
``tests.settings_server_process``.
"""

import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

from django.core.wsgi import get_wsgi_application


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main(port: int) -> None:
    application = get_wsgi_application()
    make_server("127.0.0.1", port, application, handler_class=QuietHandler).serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]))
