# The library every service uses.
greet() { echo "hello from $1"; }
