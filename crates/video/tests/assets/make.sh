#!/usr/bin/env bash
# How the committed test clips were made (Debian's ffmpeg with libx264). Nothing runs this:
# tests and benches read the committed files, so no build or test needs ffmpeg.
#
# Every clip is H.264 High profile (CABAC, 8x8 transform) with B-frames (-bf 2) and a single
# keyframe, like 1080p results: the last frame can only be reached by decoding all of them.
# Thirds of the clip are solid red, green and blue; a small white box moves along the top so
# the encoder has motion to predict.
set -euo pipefail
cd "$(dirname "$0")"

thirds() { # WIDTH HEIGHT FPS FRAMES_PER_THIRD
  local w=$1 h=$2 fps=$3 n=$4 c
  for c in red green blue; do
    printf '%s' "color=${c}:s=${w}x${h}:r=${fps},trim=end_frame=${n}[${c}];"
  done
  printf '%s' "color=white:s=$((w / 10))x$((h / 10)):r=${fps}[box];[red][green][blue]concat=n=3:v=1[bg];"
  printf '%s' "[bg][box]overlay=x='mod(n*$((w / 48)),$((w - w / 8)))':y=$((h / 20)):shortest=1,format=yuv420p"
}

encode() { # OUT LAVFI_GRAPH CRF
  ffmpeg -v error -y -f lavfi -i "$2" -c:v libx264 -profile:v high -preset medium -crf "$3" \
    -bf 2 -g 1000 -keyint_min 1000 -sc_threshold 0 -movflags +faststart -an "$1"
}

# 48 frames at 24 fps, 2 s: 0–15 red, 16–31 green, 32–47 blue.
encode thirds_320x180.mp4 "$(thirds 320 180 24 16)" 28
# 1080p, 6 s at 24 fps (144 frames), for the bench only: ffmpeg's moving test pattern, so the
# decoder has real work on every frame (solid colours would be mostly skipped blocks).
encode bench_1080p_6s.mp4 "testsrc2=s=1920x1080:r=24:d=6,format=yuv420p" 36
# Not H.264 (MPEG-4 Part 2), for the unknown-codec error: 12 frames at 64×36.
ffmpeg -v error -y -f lavfi -i "color=red:s=64x36:r=12:d=1" -c:v mpeg4 -an mpeg4_64x36.mp4
# The simulated fal's result video (crates/sim/assets/sample.mp4): 12 frames at 640×360, so its
# frames pass as first frames themselves (short side ≥ 300 px) when a shot is chained.
ffmpeg -v error -y -f lavfi -i "$(thirds 640 360 12 4)" -c:v libx264 -profile:v high -preset medium \
  -crf 30 -bf 2 -g 1000 -keyint_min 1000 -sc_threshold 0 -movflags +faststart -an ../../../sim/assets/sample.mp4
# 320x180, 4 s at 24 fps (96 frames): the bench's moving pattern, its hue turning half a turn a
# second so every picture cell changes on every frame: playback's worst case on a thin link, for
# the throttled-terminal tests (tests/link_pty.rs), small enough for a debug build to decode.
encode motion_320x180.mp4 "testsrc2=s=320x180:r=24:d=4,hue=H=t*PI,format=yuv420p" 32
