"""Benefit-chain pages, one module per sub-domain (`industry/urls.py` names each view).

- `seasons`: home, a new season, a season's overview;
- `parties`: enterprises, cooperatives, points, members; clerk bindings;
- `agreements`: order and protection-price agreements, deposits;
- `purchasing`: fast purchase entry at a point, day prices, receipts and their public check;
- `deliveries`: deliveries to the enterprise;
- `settlement`: submit / approve / post, statements (page, print, xlsx), reconciliation;
- `ledger`: trial balance, entries, reversals, pending postings;
- `dividends`: shareholdings, distributions, approval;
- `base`: the role groups and how a refusal is shown.

Every read goes through `zhenxing.industry.selectors` (scoped: 404 + audit outside it) and
every write through one service.
"""
