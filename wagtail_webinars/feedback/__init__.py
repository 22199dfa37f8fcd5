"""The "Hjälpte informationen på sidan dig?" widget, as a Django app of its own.

Installable alone (``INSTALLED_APPS += ["wagtail_webinars.feedback"]``) on any Wagtail site, with
or without the webinar pages; it depends on nothing of the package but the kernel (settings,
checks, the Origin check, rate limits, the JSON-endpoint kernel). Where what lives:

* ``services.py``: the rules (validate, de-duplicate, save) in ``FeedbackService``;
* ``scrub.py``: where a comment is scrubbed of e-mail addresses, phone and personal numbers;
* ``page_switch.py``: the per-page switch that turns the widget off;
* ``widget.py``: what ``{% webinar_feedback %}`` renders;
* ``views.py`` (HTML form) and ``api_views.py`` (JSON): the two entrances;
* ``admin_views.py`` and ``wagtail_hooks.py``: the report and the editor's panel;
* ``digest.py``: the page owners' e-mail digest.
"""
