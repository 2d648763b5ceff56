"""AgentCore Gateway Lambda target that drives smart-home devices through IoT Device Shadows."""
