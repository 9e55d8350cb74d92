"""The Shopify GraphQL Admin order connector."""
