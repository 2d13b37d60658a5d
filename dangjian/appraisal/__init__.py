"""Democratic appraisal (ROADMAP C3, issue 20)."""
