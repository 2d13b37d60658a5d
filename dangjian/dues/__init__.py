"""Party dues (ROADMAP C3, issue 20)."""
