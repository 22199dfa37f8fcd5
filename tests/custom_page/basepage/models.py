from django.db import models
from wagtail.models import AbstractPage


class BasePage(AbstractPage):
    """The site's base page model: every page of the site has a responsible department."""

    department = models.CharField(max_length=100, blank=True)

    promote_panels = [*AbstractPage.promote_panels, "department"]
