"""Default categories (R-TRIAGE categories), shared by the data migration and the test fixtures."""

CATEGORIES = [
    ("product", "상품", "Product"),
    ("service", "서비스", "Service"),
    ("payment", "결제", "Payment"),
    ("delivery", "배송", "Delivery"),
    ("refund_return", "환불·반품", "Refund and return"),
    ("account", "계정", "Account"),
    ("other", "기타", "Other"),
]
