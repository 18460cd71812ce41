"""What every Bill Pay service shares: config, errors, logging, tokens, health, queues, money."""
