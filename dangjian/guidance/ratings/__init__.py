"""Branch ratings (三好 and the like, ROADMAP C8, DOMAIN.md §4): a committee's schemes as data,
its yearly rounds, the candidate branches' scores — counted from the records as of the round's
date and kept, or given by the branch itself, its instructor and the county — the results and
the certificates."""
