"""Production's choice sources (ui.lookups): the organisations whose production page a user may
open (the chooser at the top of the page, a search box when they are many)."""

from __future__ import annotations

from dangjian.organizations.lookups import ORG_SEARCH
from dangjian.ui.lookups import register

from .selectors import page_orgs

register("org.production", page_orgs, ORG_SEARCH)
