from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The pages that compose the capabilities: the home dashboards, the navigation, /health/.
    `dangjian.ui` below is the base they (and every app's pages) are built with."""

    name = "dangjian.pages"
    label = "pages"

    def ready(self) -> None:
        # The /lookup endpoint (ui) serves every app's choice sources; the capabilities' `lookups`
        # modules register theirs on import (people and organizations register from their own
        # ready()). Imported here, once the apps are loaded, because this is the one layer that may
        # know all of them.
        from dangjian.appraisal import lookups as appraisal_lookups  # noqa: F401
        from dangjian.branchlife import lookups as branchlife_lookups  # noqa: F401
        from dangjian.development import lookups as development_lookups  # noqa: F401
        from dangjian.production import lookups as production_lookups  # noqa: F401
        from dangjian.selections import lookups as selections_lookups  # noqa: F401
        from dangjian.transfers import lookups as transfers_lookups  # noqa: F401
