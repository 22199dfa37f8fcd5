"""A site with its own base page model (Wagtail 8's ``WAGTAIL_PAGE_MODEL``), for the tests in
tests/custom_page_tests. Two apps, as Wagtail's guide "Defining custom base page models" has it:

- ``basepage``: only the base page model, whose first migration runs before Wagtail's own;
- ``webinarpages``: the site's webinar page types, built from our mixins on that base and swapped
  in with the ``WAGTAIL_WEBINARS_…_MODEL`` settings.
"""
