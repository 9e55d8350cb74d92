"""The GraphQL documents the Shopify connector sends (GraphQL Admin API, objects ``Order``, ``Refund``,
``Return``; mutations ``refundCreate`` and ``returnCreate``)."""

ORDER_FIELDS = """
fragment OrderFields on Order {
  id
  name
  createdAt
  updatedAt
  processedAt
  cancelledAt
  displayFinancialStatus
  displayFulfillmentStatus
  returnStatus
  currencyCode
  paymentGatewayNames
  email
  phone
  customer { id email phone displayName }
  totalPriceSet { shopMoney { amount currencyCode } }
  totalReceivedSet { shopMoney { amount } }
  totalRefundedSet { shopMoney { amount } }
  lineItems(first: 100) {
    nodes {
      id name quantity sku variantTitle
      variant { id }
      originalUnitPriceSet { shopMoney { amount } }
      discountedTotalSet { shopMoney { amount } }
    }
  }
  fulfillments(first: 20) {
    id status displayStatus createdAt deliveredAt
    trackingInfo(first: 5) { company number url }
    fulfillmentLineItems(first: 100) { nodes { id quantity lineItem { id } } }
  }
  refunds(first: 50) { id createdAt note totalRefundedSet { shopMoney { amount } } }
  returns(first: 20) {
    nodes {
      id name status
      exchangeLineItems(first: 20) { nodes { id } }
      returnLineItems(first: 50) { nodes { ... on ReturnLineItem { fulfillmentLineItem { lineItem { id } } } } }
    }
  }
  transactions(first: 20) { id kind status gateway amountSet { shopMoney { amount } } }
}
"""

ORDERS = (
    """
query Orders($query: String!, $after: String) {
  orders(first: 50, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { ...OrderFields }
  }
}
"""
    + ORDER_FIELDS
)

ORDER = (
    """
query Order($id: ID!) {
  order(id: $id) { ...OrderFields }
}
"""
    + ORDER_FIELDS
)

CUSTOMER_BY_PHONE = """
query CustomerByPhone($query: String!) {
  customers(first: 1, query: $query) { nodes { id } }
}
"""

ACCESS_SCOPES = """
query AccessScopes {
  currentAppInstallation { accessScopes { handle } }
}
"""

# ``@idempotent`` (2026-01, mandatory from 2026-04): a retry with the same key returns the first refund.
# The key goes in as a literal, as in Shopify's examples; it is our own ASCII remedy key, quoted by json.dumps.
REFUND_CREATE = """
mutation RefundCreate($input: RefundInput!) {
  refundCreate(input: $input) @idempotent(key: %s) {
    refund { id createdAt note totalRefundedSet { shopMoney { amount } } }
    userErrors { field message }
  }
}
"""

RETURN_CREATE = """
mutation ReturnCreate($returnInput: ReturnInput!) {
  returnCreate(returnInput: $returnInput) {
    return { id name status }
    userErrors { field message code }
  }
}
"""
