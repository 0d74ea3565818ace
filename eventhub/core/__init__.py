"""What every domain uses and that uses no domain: the unit of work, domain events, capacity and
waiting lists, column types, text folding, input checks, formatting, errors, URLs and secrets."""
