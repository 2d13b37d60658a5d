"""Forms for political birthdays: the local settings a committee keeps."""

from __future__ import annotations

from django import forms

from .models import BirthdayConfig
from .services import CONFIG_FIELDS


class ConfigForm(forms.ModelForm):
    class Meta:
        model = BirthdayConfig
        fields = list(CONFIG_FIELDS)
        widgets = {
            "message_zh": forms.Textarea(attrs={"rows": 4}),
            "message_en": forms.Textarea(attrs={"rows": 4}),
        }
