import * as pulumi from "@pulumi/pulumi";
import * as adf from "@pulumi/adf-databricks";

// The SDK is generated from the component's inferred schema (`pulumi package add` writes it to sdks/adf-databricks):
// enums and required inputs are checked when this compiles; what only a run can check (e.g. "min:max" workers)
// the component reports, every problem at once. Enum members keep the Python names (ClusterMode.INSTANCE_POOL).
const platform = new adf.AdfDatabricks("data-platform", {
    location: new pulumi.Config("azure-native").require("location"),
    clusterMode: adf.ClusterMode.INSTANCE_POOL,
    instancePool: {
        sparkVersion: "16.4.x-scala2.12",
        nodeType: "Standard_DS3_v2",
        workers: "4",
        minIdleInstances: 1,
        maxCapacity: 10,
    },
    token: { lifetimeDays: 90, rotationDays: 60 },
    protect: true,
});

export const factoryName = platform.factoryName;
export const linkedServiceName = platform.linkedServiceName;
export const instancePoolId = platform.instancePoolId;
