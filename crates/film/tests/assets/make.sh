#!/usr/bin/env bash
# How the committed shots were made (Debian's ffmpeg with libx264). Nothing runs this: tests
# and benches read the committed files, so no build or test needs ffmpeg.
#
# Each shot is 24 frames at 24 fps (1 s), 320×180, one keyframe: its first half one colour,
# its second half another, with a small white box moving along the top so the encoder has
# motion to predict. Two High-profile shots with B-frames and the same encoder settings (so
# the same parameter sets), and a Main-profile one with a single B-frame: other SPS/PPS under
# the same ids, and another reorder delay (its pictures are shown one frame after decoding
# starts, the High shots' two).
set -euo pipefail
cd "$(dirname "$0")"

halves() { # WIDTH HEIGHT FPS FRAMES_PER_HALF COLOUR COLOUR
  local w=$1 h=$2 fps=$3 n=$4
  printf '%s' "color=$5:s=${w}x${h}:r=${fps},trim=end_frame=${n}[a];"
  printf '%s' "color=$6:s=${w}x${h}:r=${fps},trim=end_frame=${n}[b];"
  printf '%s' "color=white:s=$((w / 10))x$((h / 10)):r=${fps}[box];[a][b]concat=n=2:v=1[bg];"
  printf '%s' "[bg][box]overlay=x='mod(n*$((w / 48)),$((w - w / 8)))':y=$((h / 20)):shortest=1,format=yuv420p"
}

encode() { # OUT LAVFI_GRAPH PROFILE B_FRAMES CRF
  ffmpeg -v error -y -f lavfi -i "$2" -c:v libx264 -profile:v "$3" -preset medium -crf "$5" \
    -bf "$4" -g 1000 -keyint_min 1000 -sc_threshold 0 -movflags +faststart -an "$1"
}

encode shot_high_a_320x180.mp4 "$(halves 320 180 24 12 yellow magenta)" high 2 28
encode shot_high_b_320x180.mp4 "$(halves 320 180 24 12 cyan orange)" high 2 28
encode shot_main_320x180.mp4 "$(halves 320 180 24 12 purple lime)" main 1 30
