"""The product's URLs plus ``bench/hello``: the bare-stack baseline behind the very same middleware."""

from django.http import HttpResponse
from django.urls import path

from qms.urls import urlpatterns as product_urlpatterns


def hello(request):
    """The smallest Django view: what the stack costs before the product does anything."""
    return HttpResponse(b"Hello, world", content_type="text/plain")


# Before the product's patterns: Wagtail's page serving, last among them, matches every path.
urlpatterns = [path("bench/hello", hello, name="bench-hello"), *product_urlpatterns]
