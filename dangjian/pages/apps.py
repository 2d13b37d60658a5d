from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The pages that compose the capabilities: the home dashboards, the navigation, /health/.
    `dangjian.ui` below is the base they (and every app's pages) are built with."""

    name = "dangjian.pages"
    label = "pages"

    def ready(self) -> None:
        # The /lookup endpoint (ui) serves every app's choice sources; each owning app's
        # `lookups` module registers its own on import. Imported here, once the apps are loaded,
        # because this is the one layer that may know all of them.
        from dangjian.branchlife import lookups as branchlife_lookups  # noqa: F401
        from dangjian.development import lookups as development_lookups  # noqa: F401
        from dangjian.organizations import lookups as organizations_lookups  # noqa: F401
        from dangjian.people import lookups as people_lookups  # noqa: F401
