#!/bin/sh
cat "$APP_HOME/greeting.txt"
