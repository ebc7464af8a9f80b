"""Who may see and change what: visibility rules, accounts, roles and API tokens."""
