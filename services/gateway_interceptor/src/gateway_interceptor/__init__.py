"""AgentCore Gateway request/response interceptor: the verified caller in, foreign identity out.

Entry point: ``gateway_interceptor.handler.handler``. Nothing is imported here (cold start).
"""
