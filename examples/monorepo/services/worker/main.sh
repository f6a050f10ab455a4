# The worker service.
main() { greet worker; }
