#!/bin/sh
# Makes the mutual-TLS certificates of deploy/kubernetes and stores them as the two Secrets the
# manifests mount: buildkitd-daemon-certs (the engines' certificate, key and the CA that signs
# clients) and kiln-client-certs (Kiln's client certificate, key and the CA that signs engines).
# Usage: ./create-certs.sh [NAMESPACE] (default kiln); needs openssl and kubectl ($KUBECTL).
# The files stay in ./certs (keep them private, or delete them once the Secrets exist).
set -eu
ns=${1:-kiln}
kubectl=${KUBECTL:-kubectl}
days=${DAYS:-365}
dir=${CERTS_DIR:-./certs}
mkdir -p "$dir/daemon" "$dir/client"
umask 077

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/ca-key.pem"
openssl req -x509 -new -key "$dir/ca-key.pem" -subj "/CN=kiln-buildkitd-ca" -days "$days" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$dir/ca.pem"

# $1 directory, $2 common name, $3 extendedKeyUsage, $4 subjectAltName (or empty)
issue() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1/key.pem"
  openssl req -new -key "$1/key.pem" -subj "/CN=$2" -out "$1/req.csr"
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$3"
    [ -z "$4" ] || echo "subjectAltName=$4"
  } > "$1/ext.cnf"
  openssl x509 -req -in "$1/req.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" -CAcreateserial \
    -days "$days" -extfile "$1/ext.cnf" -out "$1/cert.pem"
  cp "$dir/ca.pem" "$1/ca.pem"
  rm "$1/req.csr" "$1/ext.cnf"
}

# every engine's DNS name under the headless Services (buildkitd-N.buildkitd...), the Services, and localhost
svc="buildkitd.$ns.svc.cluster.local"
node="buildkitd-node.$ns.svc.cluster.local"
issue "$dir/daemon" buildkitd serverAuth \
  "DNS:*.$svc,DNS:$svc,DNS:*.$node,DNS:$node,DNS:buildkitd,DNS:localhost,IP:127.0.0.1"
issue "$dir/client" kiln clientAuth ""

for s in daemon:buildkitd-daemon-certs client:kiln-client-certs; do
  "$kubectl" --namespace="$ns" create secret generic "${s#*:}" \
    --from-file=ca.pem="$dir/${s%%:*}/ca.pem" --from-file=cert.pem="$dir/${s%%:*}/cert.pem" \
    --from-file=key.pem="$dir/${s%%:*}/key.pem"
done
