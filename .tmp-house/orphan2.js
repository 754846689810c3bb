const {spawn}=require("child_process");const fs=require('fs');
const app=process.argv[2];
const main = app==='churn'?"apps/churn-mock/src/main.ts":"apps/tenant-manager-mock/src/main.ts";
const ready = app==='churn'?/churn mock ready/:/tenant manager ready/;
const err=fs.openSync('.tmp-house/err.log','w');
const c=spawn(process.execPath,[require.resolve("tsx/cli"),main,"--host","127.0.0.1","--port","0"],{detached:true,stdio:["ignore","pipe",err]});
let out="";c.stdout.on("data",d=>{out+=d; if(ready.test(out)){console.log(c.pid);process.exit(0)}});
