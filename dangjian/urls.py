from django.contrib import admin
from django.urls import include, path

from dangjian.accounts.urls import auth_urlpatterns
from dangjian.api.api import api

urlpatterns = [
    *auth_urlpatterns,
    path("", include("dangjian.pages.urls")),
    path("", include("dangjian.ui.urls")),
    path("", include("dangjian.accounts.urls")),
    path("orgs/", include("dangjian.organizations.urls")),
    path("people/", include("dangjian.people.urls")),
    path("audit/", include("dangjian.auditlog.urls")),
    path("jobs/", include("dangjian.jobs.urls")),
    path("exports/", include("dangjian.exports.urls")),
    path("imports/", include("dangjian.rosters.urls")),
    path("development/", include("dangjian.development.urls")),
    path("meetings/", include("dangjian.branchlife.urls")),
    path("birthdays/", include("dangjian.birthdays.urls")),
    path("production/", include("dangjian.production.urls")),
    path("guidance/", include("dangjian.guidance.urls")),
    path("selections/", include("dangjian.selections.urls")),
    path("indicators/", include("dangjian.indicators.urls")),
    path("transfers/", include("dangjian.transfers.urls")),
    path("dues/", include("dangjian.dues.urls")),
    path("appraisal/", include("dangjian.appraisal.urls")),
    path("setup/", include("dangjian.onboarding.urls")),
    path("notifications/", include("dangjian.notifications.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

# The error pages in the user's language and the site's layout (dangjian/pages/errors.py).
handler400 = "dangjian.pages.errors.bad_request"
handler403 = "dangjian.pages.errors.permission_denied"
handler404 = "dangjian.pages.errors.page_not_found"
handler500 = "dangjian.pages.errors.server_error"
