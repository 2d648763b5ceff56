"""FastMCP accounting server hosted on AgentCore Runtime."""
