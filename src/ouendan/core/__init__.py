"""Ground-floor infrastructure with no domain knowledge: middleware, logging, health, the API's
error and pagination conventions, the periodic-job scheduler, the base templates and stylesheet."""
