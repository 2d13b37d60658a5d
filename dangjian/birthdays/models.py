"""Political birthdays (政治生日): the local settings a committee keeps for the greeting cards and
the cohorts of the organisations under it (DOMAIN.md §3 [config]). The birthdays themselves are
not stored: they follow from the membership records (birthdays.rules, birthdays.selectors)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian import calendar
from dangjian.organizations.models import Organization
from dangjian.text import NO_NUL

from . import rules

# The calendar's period kinds a cohort may span (one period type, dangjian.calendar), labelled
# for the settings form.
COHORT_PERIODS = [(calendar.MONTH, _("Month")), (calendar.QUARTER, _("Quarter"))]


class BirthdayConfig(models.Model):
    """Set on a county, prefecture, park or enterprise committee; the nearest one up the tree
    applies to an organisation, the defaults (rules.Config) where there is none."""

    organization = models.OneToOneField(
        Organization, verbose_name=_("party organisation"), on_delete=models.CASCADE, related_name="birthday_config"
    )
    period = models.CharField(
        _("members are celebrated together per"), max_length=10, choices=COHORT_PERIODS, default=calendar.MONTH
    )
    message_zh = models.TextField(
        _("greeting in Chinese"),
        default=rules.DEFAULT_MESSAGE_ZH,
        blank=True,
        validators=[NO_NUL],
        help_text=_("Printed on the cards in Chinese and sent on the day. Leave empty for the default greeting."),
    )
    message_en = models.TextField(
        _("greeting in English"),
        default=rules.DEFAULT_MESSAGE_EN,
        blank=True,
        validators=[NO_NUL],
        help_text=_("For members who read English. Leave empty for the default greeting."),
    )
    issuer_name = models.CharField(
        _("issued by"),
        max_length=200,
        blank=True,
        validators=[NO_NUL],
        help_text=_("The committee named on the cards. Leave empty for the member's county committee."),
    )
    issuer_name_en = models.CharField(
        _("issued by (English)"),
        max_length=200,
        blank=True,
        validators=[NO_NUL],
        help_text=_("Leave empty for the county committee's English name."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("political birthday settings (政治生日)")
        verbose_name_plural = _("political birthday settings (政治生日)")

    def __str__(self) -> str:
        return str(self.organization)

    def audit_org_path(self) -> str:
        return self.organization.path

    def as_rules(self) -> rules.Config:
        return rules.Config.of(self)
