"""Which property names a model's tool schema accepts (Anthropic ToolSpec / Bedrock Converse).

Each parameter becomes a property of the tool's input schema; one bad name makes the model reject
the whole tool list ("Property keys should match pattern '^[a-zA-Z0-9_.-]{1,64}$'",
aws-agentcore-facts C.2). Tool names themselves are in `gateway_contract` (`tool_name_pattern`).
"""

import re

TOOL_PROPERTY_NAME = re.compile(r"^[a-zA-Z0-9_.-]{1,64}$")
