package shop.gateway.contract;

import io.vertx.core.file.FileSystem;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Path;
import io.vertx.openapi.contract.SecurityRequirement;
import io.vertx.openapi.contract.SecurityScheme;
import io.vertx.openapi.contract.Server;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The contract with a validator made once for each schema of a parameter or a request body.
 * vertx-openapi asks its schema repository for a validator on every check, and the repository
 * builds a new one each time, copying its table of every schema in the contract: a tenth of the
 * gateway's CPU under load. A validator keeps no state between checks, so one per schema serves
 * every request on every event loop; everything else is the contract as vertx-openapi read it.
 */
final class CompiledSchemas implements OpenAPIContract {

    private final OpenAPIContract contract;
    private final SchemaRepository repository;

    private CompiledSchemas(OpenAPIContract contract) {
        this.contract = contract;
        this.repository = new Repository(contract.getSchemaRepository(), validators(contract));
    }

    static OpenAPIContract of(OpenAPIContract contract) {
        return new CompiledSchemas(contract);
    }

    /** Read-only once made, so it is safe to share between event loops. */
    private static Map<JsonSchema, Validator> validators(OpenAPIContract contract) {
        Map<JsonSchema, Validator> validators = new IdentityHashMap<>();
        SchemaRepository repository = contract.getSchemaRepository();
        for (Operation operation : contract.operations()) {
            for (Parameter parameter : operation.getParameters()) {
                validators.computeIfAbsent(parameter.getSchema(), repository::validator);
            }
            if (operation.getRequestBody() != null) {
                for (MediaType type : operation.getRequestBody().getContent().values()) {
                    if (type.getSchema() != null) {
                        validators.computeIfAbsent(type.getSchema(), repository::validator);
                    }
                }
            }
        }
        return validators;
    }

    @Override
    public SchemaRepository getSchemaRepository() {
        return repository;
    }

    @Override
    public Operation operation(String operationId) {
        return contract.operation(operationId);
    }

    @Override
    public List<Operation> operations() {
        return contract.operations();
    }

    @Override
    public List<Path> getPaths() {
        return contract.getPaths();
    }

    @Override
    public JsonObject getRawContract() {
        return contract.getRawContract();
    }

    @Override
    public OpenAPIVersion getVersion() {
        return contract.getVersion();
    }

    @Override
    public List<Server> getServers() {
        return contract.getServers();
    }

    @Override
    public Path findPath(String urlPath) {
        return contract.findPath(urlPath);
    }

    @Override
    public Operation findOperation(String urlPath, HttpMethod method) {
        return contract.findOperation(urlPath, method);
    }

    @Override
    public List<SecurityRequirement> getSecurityRequirements() {
        return contract.getSecurityRequirements();
    }

    @Override
    public SecurityScheme securityScheme(String name) {
        return contract.securityScheme(name);
    }

    /** The contract's repository, answering with the validator made for a schema where there is one. */
    private record Repository(SchemaRepository schemas, Map<JsonSchema, Validator> validators)
            implements SchemaRepository {

        @Override
        public Validator validator(JsonSchema schema) {
            Validator validator = validators.get(schema);
            return validator != null ? validator : schemas.validator(schema);
        }

        @Override
        public SchemaRepository dereference(JsonSchema schema) {
            return schemas.dereference(schema);
        }

        @Override
        public SchemaRepository dereference(String uri, JsonSchema schema) {
            return schemas.dereference(uri, schema);
        }

        @Override
        public SchemaRepository preloadMetaSchema(FileSystem fileSystem) {
            return schemas.preloadMetaSchema(fileSystem);
        }

        @Override
        public SchemaRepository preloadMetaSchema(FileSystem fileSystem, Draft draft) {
            return schemas.preloadMetaSchema(fileSystem, draft);
        }

        @Override
        public Validator validator(String ref) {
            return schemas.validator(ref);
        }

        @Override
        public Validator validator(String ref, JsonSchemaOptions options) {
            return schemas.validator(ref, options);
        }

        @Override
        public Validator validator(JsonSchema schema, JsonSchemaOptions options, boolean dereference) {
            return schemas.validator(schema, options, dereference);
        }

        @Override
        public JsonObject resolve(JsonObject schema) {
            return schemas.resolve(schema);
        }

        @Override
        public JsonSchema find(String pointer) {
            return schemas.find(pointer);
        }
    }
}
