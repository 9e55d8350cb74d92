"""English phrase pools for synthetic benchmark cases (composer.py puts them together).

The same slots as phrases_ko; the particle variants ({product_ga}, …) are plain copies in English. Written for
this project; nothing here is copied from a data set.
"""

# Sentences stay one per line, however long, so the pools read like the texts they make.
# ruff: noqa: E501

from __future__ import annotations

from soridam.demo.scenarios_en import ASKS as ASKS
from soridam.demo.scenarios_en import SCENARIOS as SCENARIOS

SURNAMES = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Wilson",
    "Evans",
    "Kim",
    "Lee",
    "Park",
    "Garcia",
    "Nguyen",
    "Walker",
    "Hughes",
    "Clarke",
)
GIVEN_NAMES = (
    "Emma",
    "Olivia",
    "Liam",
    "Noah",
    "Sophie",
    "James",
    "Mia",
    "Daniel",
    "Grace",
    "Jack",
    "Chloe",
    "Ethan",
    "Hannah",
    "Ryan",
)
BRANDS = ("Sori", "Haru", "Moa", "Nuri", "Foret", "Raon", "Hanbit", "Doit", "Onkyul", "Bareun")
# Devices break down, smoke and need charging; goods are everything else a shop sells.
DEVICES = (
    "cordless vacuum",
    "electric kettle",
    "air fryer",
    "wireless earbuds",
    "smartwatch",
    "power bank",
    "humidifier",
    "heated blanket",
    "mechanical keyboard",
    "27-inch monitor",
)
GOODS = (
    "oak desk",
    "office chair",
    "blackout curtains",
    "nut gift box",
    "organic rice 10 kg",
    "frozen dumplings",
    "face cream",
    "sunscreen",
    "frying pan",
    "travel tumbler",
    "camping chair",
    "car seat",
    "dog food",
)
MODELS = ("", "", "", " 2nd gen", " Plus", " Mini", " Pro", " S9", " 1.7 L", " Lite", " 2025", " XL")
GARMENTS = (
    "linen shirt",
    "down jacket",
    "knit cardigan",
    "wide-leg trousers",
    "sweatshirt",
    "jeans",
    "trainers",
    "dress",
    "trench coat",
    "hoodie",
)
COLOURS = ("black", "white", "navy", "beige", "grey", "khaki", "ivory", "light blue", "burgundy", "charcoal")
SIZES = ("S", "M", "L", "XL", "UK 8", "UK 10", "US 9", "EU 42", "32W", "one size")
COURIERS = ("CJ Logistics", "Hanjin Express", "Lotte Global Logistics", "Korea Post", "Logen", "DHL", "FedEx", "EMS")
TIMES = ("9 am", "11 am", "1 pm", "2 pm", "3:30 pm", "6 pm", "8 pm", "10 pm")

GREETINGS = (
    "Hello,",
    "Hi,",
    "Hi there,",
    "Good morning,",
    "Dear support team,",
    "Hello support,",
    "To whom it may concern,",
    "Hey,",
    "",
    "",
)
INTROS = (
    "My name is {name}.",
    "This is {name}.",
    "I placed an order on {date}.",
    "I'm a regular customer.",
    "First time ordering from you.",
    "I'm writing on behalf of my mother.",
    "",
    "",
    "",
)
ORDER_MENTIONS = (
    "My order number is {order}.",
    "Order no. {order}",
    "(order {order})",
    "It's order {order}.",
    "Order #{order}.",
    "Ref: order {order}.",
)
CLOSINGS = (
    "Please look into this as soon as possible.",
    "Looking forward to your reply.",
    "Thanks in advance.",
    "Could you get back to me today?",
    "Thank you.",
    "Many thanks,",
    "Regards,",
    "Cheers.",
    "Please text me when it's sorted.",
    "You can call me after {time}.",
    "",
    "",
)
FEELINGS = (
    "This is really frustrating.",
    "I'm very disappointed.",
    "Never had this happen before.",
    "Not happy at all.",
    "Honestly I'm quite annoyed.",
    "It was meant to be a gift, so this is upsetting.",
    "",
)
SECOND_CONTACT = (
    "This is my second message about this.",
    "I wrote yesterday as well and got no answer.",
    "I contacted you last week and it still isn't sorted.",
)
THIRD_CONTACT = (
    "This is the third time I'm contacting you and I keep being told to wait.",
    "I have now written three times and nothing has been done.",
    "Third message. If I get no answer this time I will take it further.",
)
LEGAL_THREATS = (
    "If this isn't resolved I will report you to the consumer protection agency.",
    "I'm prepared to take legal action.",
    "My lawyer will be in touch if this goes on.",
    "I will file a complaint with the Fair Trade Commission.",
)
DEADLINES = (
    "I need it before the weekend, it's for a party on Saturday.",
    "I fly out tomorrow so this has to be fixed today.",
    "It's a birthday present for the day after tomorrow.",
)

SPAM_SUBJECTS = (
    "Guaranteed first page on Google",
    "You have won a free coupon",
    "SEO services for your shop",
    "Business loan pre-approved",
)
SPAM_BODIES = (
    "Rank first on search for only {amount} won a month! Reply now.",
    "Congratulations {name}! Claim your {amount} won coupon at the link below.",
    "We write {count}00 reviews for your products. Contact us on Telegram.",
    "Your business is pre-approved for a loan of up to {count}0,000 USD.",
)

TYPOS = (
    ("received", "recieved"),
    ("I'm", "im"),
    ("don't", "dont"),
    ("doesn't", "doesnt"),
    ("can't", "cant"),
    ("Please", "pls"),
    ("you", "u"),
    ("the ", "teh "),
    ("days", "dyas"),
    (". ", ".  "),
    ("isn't", "isnt"),
)
TAILS = ("!!", "??", "...", " :(", "!", "")
