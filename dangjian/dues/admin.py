"""The dues in the admin, to look at only: every change goes through the pages or the API (the
services, which refuse a closed month and audit). The bases are not here: a base is individual
income, shown only to the member's dues keepers and the member."""

from __future__ import annotations

from django.contrib import admin

from dangjian.ui.admin import ReadOnlyModelAdmin

from .models import Charge, ClosedMonth, Handover, Payment, RateBand, Relief


@admin.register(RateBand)
class RateBandAdmin(ReadOnlyModelAdmin):
    list_display = ("category", "effective_from", "up_to", "rate", "fixed", "fixed_max")
    list_filter = ("category", "effective_from")


@admin.register(Charge)
class ChargeAdmin(ReadOnlyModelAdmin):
    list_display = ("month", "person", "organization", "category", "due", "paid")
    list_select_related = ("person", "organization")
    list_filter = ("month",)
    raw_id_fields = ("person", "organization", "band", "relief", "payment")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyModelAdmin):
    list_display = ("paid_on", "person", "organization", "kind", "amount", "months", "paid_by", "to_centre")
    list_select_related = ("person", "organization", "paid_by")
    list_filter = ("kind", "to_centre")
    raw_id_fields = ("person", "organization", "paid_by", "recorded_by")


@admin.register(Relief)
class ReliefAdmin(ReadOnlyModelAdmin):
    list_display = ("person", "kind", "first_month", "last_month", "approved_by", "approved_on")
    list_select_related = ("person",)
    raw_id_fields = ("person", "organization", "recorded_by")


@admin.register(ClosedMonth)
class ClosedMonthAdmin(ReadOnlyModelAdmin):
    list_display = ("organization", "month", "closed_at", "reopened_at", "reopen_reason")
    list_select_related = ("organization",)
    raw_id_fields = ("organization", "closed_by")


@admin.register(Handover)
class HandoverAdmin(ReadOnlyModelAdmin):
    list_display = ("organization", "month", "amount", "handed_on", "handed_to")
    list_select_related = ("organization", "handed_to")
    raw_id_fields = ("organization", "handed_to", "recorded_by")
