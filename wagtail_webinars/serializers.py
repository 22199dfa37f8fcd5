"""DRF serializers for nesting snippets inside pages in Wagtail's API v2."""

from __future__ import annotations

from rest_framework import serializers
from wagtail.images.api.fields import ImageRenditionField

from .models.snippets import ContactPerson, Speaker


class SpeakerSerializer(serializers.ModelSerializer):
    photo = ImageRenditionField("fill-240x240", required=False, allow_null=True)

    class Meta:
        model = Speaker
        fields = ["id", "name", "title", "organisation", "bio", "photo"]


class ContactPersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactPerson
        fields = ["id", "name", "role", "email", "phone", "organisation"]
