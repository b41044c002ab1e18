# scripts/demo.sh's plot: SYN-ACKs a second (left axis) and each legitimate client's
# connect latency (right axis, log scale), the flood shaded.
#   gnuplot -e "rates='R.csv'; clients='C.csv'; out='P.png'; f0=5; f1=17" plot.gp
set terminal pngcairo size 1100,560 font ",10"
set output out
set datafile separator ","
set key top left
set xlabel "time (s)"
set ylabel "per second"
set y2label "legitimate connect latency (ms)"
set logscale y2
set y2tics
set ytics nomirror
set grid
set title "synq under an hping3 SYN flood (shaded): SYN-ACKs sent and legitimate handshakes"
set object 1 rect from f0, graph 0 to f1, graph 1 fc rgb "#ffdddd" fs solid 0.5 noborder behind
plot rates using 1:3 skip 1 with lines lw 2 lc rgb "#c00000" title "SYN-ACKs sent /s", \
     rates using 1:2 skip 1 with lines lw 1 lc rgb "#808080" title "SYNs received /s", \
     clients using 1:($3 == 1 ? $2 : 1/0) skip 1 axes x1y2 with points pt 7 ps 0.4 lc rgb "#0060c0" title "connect completed (ms)", \
     clients using 1:($3 == 0 ? 3000 : 1/0) skip 1 axes x1y2 with points pt 2 ps 1 lc rgb "black" title "connect failed"
